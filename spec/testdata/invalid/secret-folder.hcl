# A secret file in a folder that does not exist could not be written by
# apply, so it is an error before any call.
user "ci" {
  access_keys {
    key {
      secret_file = "no-such-folder/ci.key"
    }
  }
  login_profile {
    password_file = "no-such-folder/ci.password"
  }
}
