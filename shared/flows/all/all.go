// Package all registers every flow type the Lambda functions carry, for binaries that want
// them all. The chat-helpdesk flow is registered by the CLI alone (cmd/urakata): its
// Japanese tokenizer's dictionary (about 13 MB) would take each bootstrap past the 12 MB a
// function may weigh, so in AWS the chat bot needs a function of its own (not built yet).
package all

import (
	_ "github.com/urakata/urakata/shared/flows/expense"   // expense-to-accounting
	_ "github.com/urakata/urakata/shared/flows/overtime"  // overtime-watch
	_ "github.com/urakata/urakata/shared/flows/timeclock" // timeclock-to-payroll
)
