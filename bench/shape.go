package bench

import "fmt"

// MaxRoles is the largest number of roles a synthetic account has, so that
// ListRoles, which the bulk read calls for what
// GetAccountAuthorizationDetails leaves out of roles, takes one page.
const MaxRoles = 1000

// MaxEntities is the largest account the benchmark generates: ten times the
// largest it records, and about 2 GB of memory to generate and plan.
const MaxEntities = 100000

// Shape is the make-up of a synthetic account: how many entities of each
// type it has. Entities counts them all.
type Shape struct {
	Users    int `json:"users"`
	Groups   int `json:"groups"`
	Roles    int `json:"roles"`
	Policies int `json:"policies"`
}

// Entities returns the number of users, groups, roles and customer-managed
// policies: the items that GetAccountAuthorizationDetails returns.
func (s Shape) Entities() int { return s.Users + s.Groups + s.Roles + s.Policies }

func (s Shape) String() string {
	return fmt.Sprintf("%d users, %d groups, %d roles, %d policies", s.Users, s.Groups, s.Roles, s.Policies)
}

// ShapeFor returns the shape of an account of n entities: half users, one
// in twenty a group, one in ten a role (at most MaxRoles), and the rest
// customer-managed policies. n must be at least 20, so that every type has
// at least one entity.
func ShapeFor(n int) (Shape, error) {
	if n < 20 || n > MaxEntities {
		return Shape{}, fmt.Errorf("invalid account size %d: it must be from 20 to %d", n, MaxEntities)
	}
	s := Shape{Users: n / 2, Groups: n / 20, Roles: min(n/10, MaxRoles)}
	s.Policies = n - s.Users - s.Groups - s.Roles
	return s, nil
}

// ApplyShape is the account that the apply benchmark creates from an empty
// account. Its plan carries out as exactly ApplyCalls API calls:
//
//	policies  60 x CreatePolicy                                      60
//	groups    20 x CreateGroup, AttachGroupPolicy, PutGroupPolicy     60
//	roles     40 x CreateRole and AttachRolePolicy                    80
//	              and PutRolePolicy for every other role              20
//	users    240 x CreateUser and AddUserToGroup                     480
//	              and AddUserToGroup for every other user            120
//	              and AttachUserPolicy for every other user          120
//	              and PutUserPolicy for every fourth user             60
var ApplyShape = Shape{Users: 240, Groups: 20, Roles: 40, Policies: 60}

// ApplyCalls is the number of API calls that applying ApplyShape to an
// empty account makes.
const ApplyCalls = 1000
