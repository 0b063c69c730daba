# An alias of twelve digits could be taken for an account ID.
account {
  alias = "123456789012"
}
