package main

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// kataOpts is what `kata N [flags]` asked for.
type kataOpts struct {
	Verbose string   // "v" or "vv" (-v, -vv): Ginkgo's own output, everything in full, as it comes
	Focus   string   // -focus RE: only the specs whose text matches RE
	Flags   []string // for the test binary: -ginkgo.<name>[=value], and whatever follows --
	CLI     bool     // a flag only the ginkgo CLI knows (-p, --until-it-fails...): run that instead
}

// Selects reports whether the run leaves some specs out (a focus, a label
// filter...): its result is not the kata's state.
func (o kataOpts) Selects() bool { return o.Focus != "" || len(o.Flags) > 0 }

// testSuiteFlags are the flags a Ginkgo test binary takes as -ginkgo.<name>:
// name -> whether it is a boolean flag (from the type of the configuration
// field it sets). Deprecated flags are left out: the ginkgo CLI explains them.
var testSuiteFlags = func() map[string]bool {
	configs := map[string]reflect.Type{"S": reflect.TypeFor[types.SuiteConfig](), "R": reflect.TypeFor[types.ReporterConfig]()}
	out := map[string]bool{}
	for _, f := range types.SuiteConfigFlags.CopyAppend(types.ReporterConfigFlags...) {
		root, field, _ := strings.Cut(f.KeyPath, ".")
		t, ok := configs[root]
		if !ok || f.Name == "" {
			continue
		}
		sf, ok := t.FieldByName(field)
		if !ok {
			continue
		}
		out[f.Name] = sf.Type.Kind() == reflect.Bool
	}
	return out
}()

// parseKataArgs reads `kata`'s arguments after the kata number. Ginkgo's
// flags come as the ginkgo CLI spells them (--focus=x, --focus x, -v,
// --label-filter=...) and become the test binary's (-ginkgo.focus=x), so
// that the run is plain go test; -focus and -v are the tool's own (F= and V=
// in the Makefile). A flag the test binary does not know sets CLI: the
// caller then hands the whole line to the ginkgo CLI, as before.
func parseKataArgs(args []string) (kataOpts, error) {
	var o kataOpts
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			o.Flags = append(o.Flags, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			return o, usageError{fmt.Sprintf("%q is not a flag: give one kata number, then flags such as --focus=RE (F='RE' with make)", a)}
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		name = strings.TrimPrefix(name, "ginkgo.")
		switch name {
		case "race":
			continue // always on
		case "v", "vv":
			o.Verbose = name
			continue
		}
		isBool, known := testSuiteFlags[name]
		if !known {
			o.CLI = true
			continue
		}
		if !hasValue && !isBool && i+1 < len(args) {
			i++
			value, hasValue = args[i], true
		}
		if name == "focus" && o.Focus == "" {
			o.Focus = value
			continue
		}
		f := "-ginkgo." + name
		if hasValue {
			f += "=" + value
		}
		o.Flags = append(o.Flags, f)
	}
	return o, nil
}

// testFlags are the test binary's flags for o.
func (o kataOpts) testFlags() []string {
	var out []string
	if o.Focus != "" {
		out = append(out, "-ginkgo.focus="+o.Focus)
	}
	if o.Verbose != "" {
		out = append(out, "-ginkgo."+o.Verbose)
	}
	return append(out, o.Flags...)
}
