package sandbox

// named is a user, group or role. Its name is unique in the account
// regardless of case, and the account keeps it in a map keyed by the
// folded name.
type named interface {
	comparable
	// namePtr returns the address of the entity's name.
	namePtr() *string
}

func (u *user) namePtr() *string  { return &u.name }
func (g *group) namePtr() *string { return &g.name }
func (r *role) namePtr() *string  { return &r.name }

// findNamed returns the entity of m with the name in any case, or
// NoSuchEntity. kind names the entity in the message, such as user.
func findNamed[E named](m map[string]E, kind, name string) (E, error) {
	var none E
	if e := m[key(name)]; e != none {
		return e, nil
	}
	return none, errNoSuchEntity("The %s with name %s cannot be found.", kind, name)
}

// checkNameFree returns EntityAlreadyExists when an entity of m other than
// self has the name in any case. Self is nil for an entity being created,
// and kind names the entity in the message, such as User.
func checkNameFree[E named](m map[string]E, self E, kind, name string) error {
	var none E
	if other := m[key(name)]; other != none && other != self {
		return errEntityAlreadyExists("%s with name %s already exists.", kind, *other.namePtr())
	}
	return nil
}

// rename gives e, an entity of m, a new name and moves it to the name's
// key, unless another entity has the name.
func rename[E named](m map[string]E, e E, kind, newName string) error {
	if err := checkNameFree(m, e, kind, newName); err != nil {
		return err
	}
	delete(m, key(*e.namePtr()))
	*e.namePtr() = newName
	m[key(newName)] = e
	return nil
}
