# The account block may appear only once.
account {
  alias = "acme-prod"
}

account {
  alias = "acme-dev"
}
