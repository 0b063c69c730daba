# Secret files whose names the loader would read as configuration files, whose errors would print the secret.
user "mo" {
  login_profile {
    password_file = "mo-password.hcl"
  }
  access_keys {
    key {
      secret_file = "./mo-key.hcl.json"
    }
    key {
      secret_file = ".mo-hidden.hcl"
    }
  }
}

user "kim" {
  login_profile {
    password_file = "kim-password.txt"
  }
}
