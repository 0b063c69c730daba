# Groups carry the permissions; people get them through membership.

group "admins" {
  name                = "Admins"
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  members             = ["alice.nguyen", "bruno.costa"]
}

group "developers" {
  name = "Developers"
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/PowerUserAccess",
    policy.deny_iam_writes.arn,
  ]

  inline_policy "assume-deploy-role" {
    document = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = "sts:AssumeRole"
        Resource = role.deploy.arn
      }]
    })
  }
}

group "readonly" {
  name                = "ReadOnly"
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

group "billing" {
  name                = "Billing"
  path                = "/finance/"
  managed_policy_arns = ["arn:aws:iam::aws:policy/job-function/Billing"]
}

group "security" {
  name = "SecurityAuditors"
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/SecurityAudit",
    policy.read_cloudtrail.arn,
  ]
}

group "self_service" {
  name                = "SelfService"
  managed_policy_arns = [policy.manage_own_credentials.arn]
}
