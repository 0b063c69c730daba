# Each team's bucket policy, and one role per service.

policy "team_bucket" {
  for_each = var.teams

  name        = "${title(each.key)}Bucket"
  path        = "/teams/"
  description = "Access to the ${each.key} team's bucket and queues"
  document = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "ListTeamBucket"
          Effect   = "Allow"
          Action   = "s3:ListBucket"
          Resource = "arn:aws:s3:::acme-${var.environment}-${each.key}"
        },
        {
          Sid      = "UseTeamObjects"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
          Resource = "arn:aws:s3:::acme-${var.environment}-${each.key}/*"
        },
      ],
      [for service in each.value.services : {
        Sid      = "Queue${replace(title(service), "-", "")}"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
        Resource = "arn:aws:sqs:eu-west-1:${account.id}:${each.key}-${service}-*"
      }],
    )
  })
  tags = merge(local.common_tags, { team = each.key })
}

role "services" {
  for_each = local.services

  name                 = "svc-${each.value.team}-${each.value.service}"
  path                 = "/services/${each.value.team}/"
  description          = "Runs the ${each.value.service} service of the ${each.value.team} team"
  assume_role_policy   = policy_document.lambda_trust.json
  max_session_duration = 3600
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    policy.team_bucket[each.value.team].arn,
  ]
  tags = merge(local.common_tags, { team = each.value.team, service = each.value.service })
}

policy "warehouse" {
  name     = "ReadWarehouse"
  path     = "/teams/"
  document = policy_document.data_warehouse.json
}

# Operations: assumed by the on-call group's members, with MFA.
role "operations" {
  name        = "operations"
  description = "On-call operations access"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = [for name in sort(tolist(local.oncall)) : user.people[name].arn] }
      Action    = "sts:AssumeRole"
      Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } }
    }]
  })
  max_session_duration = 14400
  managed_policy_arns  = ["arn:aws:iam::aws:policy/PowerUserAccess"]
}

# The security team's tooling account reads everything.
role "audit" {
  name = "SecurityAudit"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.audit_account_id}:root" }
      Action    = "sts:AssumeRole"
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/SecurityAudit"]
}
