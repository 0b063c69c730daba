# Provider block values that STS or the account checks reject, and
# references to what is only known after connecting.
locals {
  role = "arn:aws:iam::123456789012:role/deployer"
}

provider {
  region                = "useast1"
  allowed_account_ids   = ["12345", "123456789012"]
  forbidden_account_ids = ["210987654321"]

  assume_role {
    role_arn            = "arn:aws:iam::123456789012:user/alice"
    session_name        = "has space"
    external_id         = "x"
    duration            = "13h"
    policy              = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject" }] })
    session_tags        = { "aws:team" = "x" }
    transitive_tag_keys = ["team"]
    mfa_serial          = "short"
  }

  assume_role {
    role_arn = "arn:aws:iam::123456789012:role/second"
    duration = "2h"
  }
}
