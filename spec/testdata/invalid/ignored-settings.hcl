# With account_settings = false, the account and password_policy blocks
# have no effect, which the user is warned of.
scope {
  account_settings = false
}

account {
  alias = "acme-prod"
}

password_policy {
  minimum_password_length = 14
}
