package xerotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// handlers are the operations the sandbox serves; every other operation of the
// descriptions is validated, then answered 501.
var handlers = map[string]handler{
	"identity.getConnections":                 (*Server).connections,
	"accounting.getAccounts":                  (*Server).accounts,
	"accounting.getTaxRates":                  (*Server).taxRates,
	"accounting.getManualJournals":            (*Server).manualJournals,
	"accounting.getManualJournal":             (*Server).manualJournal,
	"accounting.createManualJournals":         (*Server).createManualJournals,
	"accounting.updateOrCreateManualJournals": (*Server).updateOrCreateManualJournals,
	"accounting.getExpenseClaims":             (*Server).expenseClaims,
	"accounting.getExpenseClaim":              (*Server).expenseClaim,
	"accounting.getReceipt":                   (*Server).receipt,
	"payroll.getEmployees":                    (*Server).payrollEmployees,
	"payroll.getEmployee":                     (*Server).payrollEmployee,
	"payroll.getEarningsRates":                (*Server).earningsRates,
	"payroll.getTimesheets":                   (*Server).listTimesheets,
	"payroll.getTimesheet":                    (*Server).getTimesheet,
	"payroll.createTimesheet":                 (*Server).createTimesheet,
	"payroll.createTimesheetLine":             (*Server).createTimesheetLine,
	"payroll.updateTimesheetLine":             (*Server).updateTimesheetLine,
	"payroll.deleteTimesheetLine":             (*Server).deleteTimesheetLine,
}

func (c *call) query(name string) string { return c.r.URL.Query().Get(name) }

// page is the 1-based page the request asks for.
func (c *call) page() int {
	n, err := strconv.Atoi(c.query("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// decode reads the request body; the description already said it is valid JSON of the
// right shape.
func (c *call) decode(v any) error { return json.Unmarshal(c.body, v) }

// paginate cuts one page of size out of items and says where it is.
func paginate[T any](items []T, page, size int) ([]T, pagination) {
	p := pagination{Page: page, PageSize: size, ItemCount: len(items), PageCount: max((len(items)+size-1)/size, 1)}
	from := (page - 1) * size
	if from >= len(items) {
		return []T{}, p
	}
	return items[from:min(from+size, len(items))], p
}

type pagination struct {
	Page      int `json:"page"`
	PageSize  int `json:"pageSize"`
	PageCount int `json:"pageCount"`
	ItemCount int `json:"itemCount"`
}

// newID is a random version-4 UUID, for records the sandbox creates.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// connection is identity's Connection.
type connection struct {
	ID             string `json:"id"`
	TenantID       string `json:"tenantId"`
	TenantType     string `json:"tenantType"`
	TenantName     string `json:"tenantName"`
	CreatedDateUTC string `json:"createdDateUtc"`
	UpdatedDateUTC string `json:"updatedDateUtc"`
}

// connections serves GET /Connections: the demo organisation and any others of
// Options.OtherOrganisations.
func (s *Server) connections(c *call) reply {
	at := s.co.created.Format(time.RFC3339)
	out := []connection{{ID: uuidOf(s.co.seed, "connection", "0"), TenantID: s.co.tenantID, TenantType: "ORGANISATION", TenantName: s.co.name, CreatedDateUTC: at, UpdatedDateUTC: at}}
	for i, name := range s.opts.OtherOrganisations {
		id := uuidOf(s.co.seed, "tenant", strconv.Itoa(i+1))
		out = append(out, connection{ID: uuidOf(s.co.seed, "connection", strconv.Itoa(i+1)), TenantID: id, TenantType: "ORGANISATION", TenantName: name, CreatedDateUTC: at, UpdatedDateUTC: at})
	}
	return jsonReply(http.StatusOK, out)
}

// lower is a where filter's field getter over a map of a record's fields.
func lower(fields map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := fields[strings.ToLower(name)]
		return v, ok
	}
}
