# The provider block is decoded before connecting, so it cannot refer to
# the account, locals or entities.
locals {
  role = "arn:aws:iam::${account.id}:role/deployer"
}

provider {
  assume_role {
    role_arn = local.role
  }
  allowed_account_ids = [account.id]
}
