# Scope patterns must compile and path prefixes start with a slash.
scope {
  paths   = ["people/"]
  exclude = ["ci-[", "ok-*"]
}
