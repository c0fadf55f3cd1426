// Package all registers every flow type, for binaries that want them all. Every type is
// declared and implemented here except the chat bot's (chat-helpdesk), which is declared
// only: its code links the Japanese tokenizer's dictionary (about 13 MB), so the CLI and the
// helpdesk function import shared/flows/helpdesk for it, and the shared Lambda functions,
// which only validate and route its flows, stay small.
package all

import (
	_ "github.com/urakata/urakata/shared/flows/expense"      // expense-to-accounting
	_ "github.com/urakata/urakata/shared/flows/helpdesktype" // chat-helpdesk, declared (implemented by shared/flows/helpdesk)
	_ "github.com/urakata/urakata/shared/flows/overtime"     // overtime-watch
	_ "github.com/urakata/urakata/shared/flows/timeclock"    // timeclock-to-payroll
)
