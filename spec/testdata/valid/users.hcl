user "admins" {
  for_each             = var.admins
  path                 = local.people_path
  groups               = ["SelfService"]
  tags                 = merge(local.common_tags, { role = "admin" })
  permissions_boundary = policy.boundary.arn
}

user "developers" {
  for_each   = var.developers
  name       = "${each.key}.dev"
  path       = local.people_path
  groups     = [group.developers.name, group.self_service.name]
  tags       = { team = each.value.team }
  expires_at = each.value.expires

  inline_policy "own-prefix" {
    document = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "arn:aws:s3:::acme-scratch/${each.key}/*" }]
    })
  }
}

user "contractor" {
  name           = "sam.contractor"
  path           = "/external/"
  previous_names = ["sam"]
  expires_at     = "2027-03-31T17:00:00Z"

  login_profile {
    enabled                 = true
    password_reset_required = true
    password_file           = "secrets/sam-password"
  }
}

user "reporting_bot" {
  name = "svc-reporting"
  path = "/service/"

  managed_policy_arns = [policy.bucket_read["reports"].arn]

  access_keys {
    key {
      id     = "AKIAIOSFODNN7EXAMPLE"
      status = "Inactive"
    }
    dynamic "key" {
      for_each = ["new"]
      content {
        status      = "Active"
        secret_file = "secrets/reporting-${key.value}.json"
      }
    }
  }
}
