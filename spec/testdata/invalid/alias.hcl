# Account alias rules: lowercase, single hyphens, not twelve digits.
account {
  alias = "Acme--Prod"
}
