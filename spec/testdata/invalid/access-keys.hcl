# Access key statuses are capitalised, IDs have a format, and a user has at most two keys.
user "bot" {
  access_keys {
    key {
      id     = "not-a-key"
      status = "active"
    }
    key {
      id          = "AKIAIOSFODNN7EXAMPLE"
      secret_file = "-"
    }
    key {
      secret_file = "-"
    }
  }
}
