group "admins" {
  name                = "Admins"
  members             = [for name in sort(tolist(var.admins)) : user.admins[name].name]
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  previous_names      = ["admin"]
}

group "developers" {
  name = "Developers"
  path = "/people/"

  dynamic "member" {
    for_each = var.developers
    content {
      user       = user.developers[member.key].name
      expires_at = member.value.expires
    }
  }
  member {
    user       = user.contractor.name
    expires_at = "2027-03-31"
  }

  managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]
  managed_policy {
    arn        = policy.deny_regions.arn
    expires_at = "2027-01-31"
  }

  dynamic "inline_policy" {
    for_each = policy.bucket_read
    labels   = ["read-${inline_policy.key}"]
    content {
      document = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "arn:aws:s3:::acme-${inline_policy.key}" }]
      })
    }
  }
}

# Users join this group from their own blocks.
group "self_service" {
  name                = "SelfService"
  managed_policy_arns = [policy.self_service.arn]
}
