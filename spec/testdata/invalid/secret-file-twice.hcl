# Two credentials cannot keep their secrets in one file, however the path
# is written.
user "ci" {
  access_keys {
    key {
      secret_file = "ci.ini"
    }
  }
  login_profile {
    password_file = "./ci.ini"
  }
}
