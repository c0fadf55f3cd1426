// Package all registers every connector, for binaries that want them all (the CLI, the
// Lambda functions). A connector registers itself in its package's init.
package all

import (
	_ "github.com/urakata/urakata/connectors/chatwork"        // chatwork: Chatwork
	_ "github.com/urakata/urakata/connectors/freee"           // freee-hr: freee 人事労務
	_ "github.com/urakata/urakata/connectors/freeeaccounting" // freee-accounting: freee 会計
	_ "github.com/urakata/urakata/connectors/github"          // github: GitHub
	_ "github.com/urakata/urakata/connectors/kingoftime"      // kingoftime: KING OF TIME 勤怠管理
	_ "github.com/urakata/urakata/connectors/slack"           // slack: Slack
	_ "github.com/urakata/urakata/connectors/xero"            // xero: Xero
)
