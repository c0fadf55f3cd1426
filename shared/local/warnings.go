package local

import (
	"fmt"

	"github.com/urakata/urakata/shared/config"
)

// Warnings are things in a valid hub.yaml that are probably not what was meant.
func Warnings(cfg *config.File) []string {
	var out []string
	for _, f := range cfg.Flows {
		if f.Trigger.Schedule == nil && f.Trigger.Webhook == nil {
			out = append(out, fmt.Sprintf("flow %s has no trigger: it runs only with `urakata sync %s`", f.Name, f.Name))
		}
	}
	return out
}
