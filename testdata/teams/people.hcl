# People and contractors, one user each, and their teams as groups.

user "people" {
  for_each = local.people

  name   = each.key
  path   = "/people/"
  groups = ["team-${each.value}", "self-service"]
  tags   = merge(local.common_tags, { team = each.value })
}

user "contractors" {
  for_each = var.contractors

  name       = each.key
  path       = "/contractors/"
  groups     = ["team-${each.value.team}"]
  expires_at = each.value.expires_at
  tags       = merge(local.common_tags, { team = each.value.team, contractor = "true" })
}

group "teams" {
  for_each = var.teams

  name = "team-${each.key}"
  path = "/teams/"
  managed_policy_arns = concat(
    [policy.team_bucket[each.key].arn, "arn:aws:iam::aws:policy/ReadOnlyAccess"],
    each.key == "data" ? [policy.warehouse.arn] : [],
  )
}

group "self_service" {
  name = "self-service"

  inline_policy "manage-own-credentials" {
    document = policy_document.self_service.json
  }
}

# The on-call rotation may assume the operations role. Membership of the
# people on call is listed here; a guest on call has an end date.
group "oncall" {
  name = "oncall"

  dynamic "member" {
    for_each = local.oncall
    content {
      user = member.value
    }
  }

  member {
    user       = "ext.mia.jensen"
    expires_at = "2031-01-31T18:00:00Z"
  }

  inline_policy "assume-operations" {
    document = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = "sts:AssumeRole"
        Resource = role.operations.arn
      }]
    })
  }
}
