package planner

import "github.com/iamsync/iamsync/spec"

// checkQuotas checks the configuration against the quotas that the account
// summary reports, IAM's defaults where it reports none.
func (p *planner) checkQuotas() {
	p.diags = append(p.diags, spec.CheckQuotas(p.cfg, p.quotas)...)
}
