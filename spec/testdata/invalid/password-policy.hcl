# Password policy values outside UpdateAccountPasswordPolicy's ranges.
password_policy {
  minimum_password_length   = 4
  max_password_age          = 2000
  password_reuse_prevention = 30
  hard_expiry               = true
}
