package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A small XML Schema checker, enough for testdata/junit.xsd: Go's standard
// library has no XSD validator. It reads the schema (global and nested
// element declarations, named and inline complex types, sequence and choice
// with minOccurs/maxOccurs, complexContent and simpleContent extensions,
// attributes with use="required", and the simple types xs:int, xs:decimal,
// xs:string, xs:token and restrictions with pattern and minLength) and
// checks a document against it. Anything else in a schema is an error, so
// the checker never passes a document by ignoring a rule it does not know.

// xnode is a parsed XML element.
type xnode struct {
	Name     string
	Attrs    map[string]string
	Children []*xnode
	Text     string
}

func (n *xnode) attr(name string) string { return n.Attrs[name] }

func (n *xnode) child(name string) *xnode {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func parseXML(r io.Reader) (*xnode, error) {
	dec := xml.NewDecoder(r)
	var stack []*xnode
	var root *xnode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xnode{Name: t.Name.Local, Attrs: map[string]string{}}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				n.Attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// schema is a parsed XSD.
type schema struct {
	elements    map[string]*xnode // global xs:element by name
	complex     map[string]*xnode // named xs:complexType
	simple      map[string]*xnode // named xs:simpleType
	errs        []string
	schemaError error
}

func loadSchema(path string) (*schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	root, err := parseXML(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	s := &schema{elements: map[string]*xnode{}, complex: map[string]*xnode{}, simple: map[string]*xnode{}}
	for _, c := range root.Children {
		switch c.Name {
		case "element":
			s.elements[c.attr("name")] = c
		case "complexType":
			s.complex[c.attr("name")] = c
		case "simpleType":
			s.simple[c.attr("name")] = c
		case "annotation":
		default:
			return nil, fmt.Errorf("schema: top-level xs:%s is not understood by this checker", c.Name)
		}
	}
	return s, nil
}

// validate returns every violation of the schema in the document.
func (s *schema) validate(doc []byte) []string {
	s.errs = nil
	root, err := parseXML(bytes.NewReader(doc))
	if err != nil {
		return []string{"not well-formed XML: " + err.Error()}
	}
	decl, ok := s.elements[root.Name]
	if !ok {
		return []string{fmt.Sprintf("root element <%s> is not declared", root.Name)}
	}
	s.element(root, decl, "/"+root.Name)
	return s.errs
}

func (s *schema) errorf(format string, a ...any) { s.errs = append(s.errs, fmt.Sprintf(format, a...)) }

// element checks n against its declaration.
func (s *schema) element(n, decl *xnode, path string) {
	if t := decl.attr("type"); t != "" {
		if ct, ok := s.complex[t]; ok {
			s.complexType(n, ct, path)
			return
		}
		s.simpleContent(n, t, path)
		return
	}
	if ct := decl.child("complexType"); ct != nil {
		s.complexType(n, ct, path)
		return
	}
	if st := decl.child("simpleType"); st != nil {
		if len(n.Children) > 0 {
			s.errorf("%s: <%s> holds text only, found <%s>", path, n.Name, n.Children[0].Name)
		}
		s.checkSimple(st, strings.TrimSpace(n.Text), path)
		s.attributes(n, nil, path)
		return
	}
	// No type: xs:anyType, anything goes.
}

// simpleContent checks an element of a simple type: text, no attributes.
func (s *schema) simpleContent(n *xnode, typ, path string) {
	if len(n.Children) > 0 {
		s.errorf("%s: <%s> holds text only, found <%s>", path, n.Name, n.Children[0].Name)
	}
	s.attributes(n, nil, path)
	s.checkValue(typ, n.Text, path)
}

func (s *schema) complexType(n, ct *xnode, path string) {
	var attrs []*xnode
	var particle *xnode
	collect := func(t *xnode) {
		for _, c := range t.Children {
			switch c.Name {
			case "attribute":
				attrs = append(attrs, c)
			case "sequence", "choice":
				particle = c
			case "annotation":
			case "complexContent", "simpleContent":
			default:
				s.schemaError = fmt.Errorf("xs:%s in a complexType is not understood", c.Name)
			}
		}
	}
	collect(ct)
	if cc := ct.child("complexContent"); cc != nil {
		ext := cc.child("extension")
		base, ok := s.complex[ext.attr("base")]
		if !ok {
			s.schemaError = fmt.Errorf("complexContent extension of unknown type %q", ext.attr("base"))
			return
		}
		collect(base)
		collect(ext)
	}
	if sc := ct.child("simpleContent"); sc != nil {
		ext := sc.child("extension")
		collect(ext)
		if len(n.Children) > 0 {
			s.errorf("%s: <%s> holds text only, found <%s>", path, n.Name, n.Children[0].Name)
		}
		s.checkValue(ext.attr("base"), n.Text, path)
		s.attributes(n, attrs, path)
		return
	}
	s.attributes(n, attrs, path)
	if strings.TrimSpace(n.Text) != "" {
		s.errorf("%s: <%s> holds elements only, found text %q", path, n.Name, strings.TrimSpace(n.Text))
	}
	i := 0
	if particle != nil {
		i = s.particle(n.Children, 0, particle, path)
	}
	for ; i < len(n.Children); i++ {
		s.errorf("%s: <%s> is not allowed here (in <%s>, after what the schema's order allows)", path, n.Children[i].Name, n.Name)
	}
}

func occurs(p *xnode) (lo, hi int) {
	lo, hi = 1, 1
	if v := p.attr("minOccurs"); v != "" {
		lo, _ = strconv.Atoi(v)
	}
	if v := p.attr("maxOccurs"); v == "unbounded" {
		hi = 1 << 30
	} else if v != "" {
		hi, _ = strconv.Atoi(v)
	}
	return lo, hi
}

// particle matches children from i against a sequence or choice and
// returns the index of the first child it did not take.
func (s *schema) particle(children []*xnode, i int, p *xnode, path string) int {
	switch p.Name {
	case "sequence":
		for _, c := range p.Children {
			if c.Name != "element" {
				s.schemaError = fmt.Errorf("xs:%s in a sequence is not understood", c.Name)
				continue
			}
			lo, hi := occurs(c)
			n := 0
			for i < len(children) && children[i].Name == c.attr("name") && n < hi {
				s.element(children[i], c, fmt.Sprintf("%s/%s[%d]", path, children[i].Name, n))
				i++
				n++
			}
			if n < lo {
				s.errorf("%s: <%s> is required (at least %d), found %d", path, c.attr("name"), lo, n)
			}
		}
	case "choice":
		lo, hi := occurs(p)
		n := 0
		for n < hi && i < len(children) {
			var alt *xnode
			for _, c := range p.Children {
				if c.Name == "element" && c.attr("name") == children[i].Name {
					alt = c
				}
			}
			if alt == nil {
				break
			}
			s.element(children[i], alt, path+"/"+children[i].Name)
			i++
			n++
		}
		if n < lo {
			s.errorf("%s: one of the choice's elements is required", path)
		}
	}
	return i
}

// attributes checks n's attributes: each declared, the required present,
// every value of its type.
func (s *schema) attributes(n *xnode, decls []*xnode, path string) {
	byName := map[string]*xnode{}
	for _, a := range decls {
		byName[a.attr("name")] = a
		if _, ok := n.Attrs[a.attr("name")]; !ok && a.attr("use") == "required" {
			s.errorf("%s: attribute %q is required", path, a.attr("name"))
		}
	}
	for name, v := range n.Attrs {
		a, ok := byName[name]
		if !ok {
			s.errorf("%s: attribute %q is not allowed on <%s>", path, name, n.Name)
			continue
		}
		if st := a.child("simpleType"); st != nil {
			s.checkSimple(st, v, path+"/@"+name)
		} else if t := a.attr("type"); t != "" {
			s.checkValue(t, v, path+"/@"+name)
		}
	}
}

var decimalRE = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)

// checkValue checks v against a built-in or named simple type.
func (s *schema) checkValue(typ, v, path string) {
	switch typ {
	case "xs:string", "xs:token", "pre-string":
		if st, ok := s.simple[typ]; ok {
			s.checkSimple(st, v, path)
		}
	case "xs:int":
		if _, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32); err != nil {
			s.errorf("%s: %q is not an xs:int", path, v)
		}
	case "xs:decimal":
		if !decimalRE.MatchString(strings.TrimSpace(v)) {
			s.errorf("%s: %q is not an xs:decimal", path, v)
		}
	case "xs:dateTime":
		// checked by the pattern of the restriction that names it
	default:
		st, ok := s.simple[typ]
		if !ok {
			s.schemaError = fmt.Errorf("type %q is not understood", typ)
			return
		}
		s.checkSimple(st, v, path)
	}
}

// checkSimple checks v against a simpleType's restriction.
func (s *schema) checkSimple(st *xnode, v, path string) {
	r := st.child("restriction")
	if r == nil {
		s.schemaError = fmt.Errorf("simpleType without a restriction is not understood")
		return
	}
	s.checkValue(r.attr("base"), v, path)
	if r.attr("base") == "xs:token" {
		v = strings.Join(strings.Fields(v), " ")
	}
	for _, f := range r.Children {
		switch f.Name {
		case "pattern":
			if !regexp.MustCompile("^(?:" + f.attr("value") + ")$").MatchString(v) {
				s.errorf("%s: %q does not match the pattern %s", path, v, f.attr("value"))
			}
		case "minLength":
			lo, _ := strconv.Atoi(f.attr("value"))
			if len([]rune(v)) < lo {
				s.errorf("%s: %q is shorter than %d", path, v, lo)
			}
		case "whiteSpace":
		default:
			s.schemaError = fmt.Errorf("facet xs:%s is not understood", f.Name)
		}
	}
}

// validateJUnit checks a JUnit file against testdata/junit.xsd.
func validateJUnit(t *testing.T, doc []byte) []string {
	t.Helper()
	s, err := loadSchema("testdata/junit.xsd")
	if err != nil {
		t.Fatal(err)
	}
	errs := s.validate(doc)
	if s.schemaError != nil {
		t.Fatalf("testdata/junit.xsd: %v", s.schemaError)
	}
	return errs
}

// TestXSDCheckerRejects proves the checker fails what the schema forbids:
// Ginkgo's own JUnit shape (properties and system-err inside a testcase,
// extra attributes), a missing required attribute, a wrong order.
func TestXSDCheckerRejects(t *testing.T) {
	good := `<testsuites><testsuite name="k" package="katas/01" id="0" timestamp="2026-01-02T03:04:05" hostname="localhost" tests="1" failures="0" errors="1" time="0.5">
<properties><property name="a" value="b"/></properties>
<testcase name="x" classname="katas/01" time="0.1"><error type="not implemented" message="m">text</error></testcase>
<system-out></system-out><system-err></system-err></testsuite></testsuites>`
	if errs := validateJUnit(t, []byte(good)); len(errs) > 0 {
		t.Fatalf("a valid document was rejected: %v", errs)
	}
	bad := map[string]string{
		"properties in a testcase":  strings.Replace(good, `<error`, `<properties></properties><error`, 1),
		"system-err in a testcase":  strings.Replace(good, `text</error>`, `text</error><system-err>timeline</system-err>`, 1),
		"ginkgo's status attribute": strings.Replace(good, `time="0.1"`, `time="0.1" status="failed"`, 1),
		"disabled on a testsuite":   strings.Replace(good, `tests="1"`, `tests="1" disabled="0"`, 1),
		"no package":                strings.Replace(good, ` package="katas/01"`, ``, 1),
		"a time zone":               strings.Replace(good, `03:04:05"`, `03:04:05Z"`, 1),
		"no properties":             strings.Replace(good, `<properties><property name="a" value="b"/></properties>`, ``, 1),
		"system-out after system-err": strings.Replace(good, `<system-out></system-out><system-err></system-err>`,
			`<system-err></system-err><system-out></system-out>`, 1),
		"error and failure":    strings.Replace(good, `text</error>`, `text</error><failure type="f"/>`, 1),
		"error without a type": strings.Replace(good, `<error type="not implemented" `, `<error `, 1),
		"tests not a number":   strings.Replace(good, `tests="1"`, `tests="one"`, 1),
	}
	for name, doc := range bad {
		if doc == good {
			t.Fatalf("%s: the replacement did not apply", name)
		}
		if errs := validateJUnit(t, []byte(doc)); len(errs) == 0 {
			t.Errorf("%s: the checker passed a document the schema forbids", name)
		}
	}
}
