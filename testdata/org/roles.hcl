# Roles for workloads and for access from other accounts.

role "app_server" {
  name        = "app-server"
  path        = "/app/"
  description = "Runs the web application on EC2"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  permissions_boundary = policy.service_boundary.arn
  managed_policy_arns = [
    policy.app_runtime.arn,
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
  ]
  tags = { team = "platform", service = "web" }
}

instance_profile "app_server" {
  name = "app-server"
  path = "/app/"
  role = role.app_server.name
  tags = { service = "web" }
}

role "thumbnailer" {
  name        = "thumbnailer-lambda"
  path        = "/lambda/"
  description = "Makes thumbnails of uploaded images"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]

  inline_policy "images" {
    document = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = ["arn:aws:s3:::acme-uploads/*", "arn:aws:s3:::acme-thumbnails/*"]
      }]
    })
  }
}

role "billing_export" {
  name        = "billing-export-lambda"
  path        = "/lambda/"
  description = "Exports the monthly bill to the finance bucket"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  max_session_duration = 7200
  managed_policy_arns  = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]

  inline_policy "cost-explorer" {
    document = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Effect   = "Allow"
          Action   = ["ce:GetCostAndUsage", "ce:GetCostForecast"]
          Resource = "*"
        },
        {
          Effect   = "Allow"
          Action   = "s3:PutObject"
          Resource = "arn:aws:s3:::acme-finance/exports/*"
        },
      ]
    })
  }
}

# The security team's tooling account reads this account's configuration.
role "security_audit" {
  name        = "SecurityAudit"
  description = "Assumed from the security tooling account"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::210987654321:root" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "sts:ExternalId" = "acme-security-7f3a" }
      }
    }]
  })
  max_session_duration = 14400
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/SecurityAudit",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
  ]
}

# Developers deploy through this role; it needs MFA.
role "deploy" {
  name        = "Deploy"
  path        = "/ci/"
  description = "Deploys application stacks"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${account.id}:root" }
      Action    = "sts:AssumeRole"
      Condition = {
        Bool = { "aws:MultiFactorAuthPresent" = "true" }
      }
    }]
  })
  max_session_duration = 3600
  permissions_boundary = policy.service_boundary.arn
  managed_policy_arns  = ["arn:aws:iam::aws:policy/PowerUserAccess"]

  inline_policy "pass-app-role" {
    document = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = role.app_server.arn
      }]
    })
  }
}

# Break-glass access for the platform on-call engineer.
role "breakglass" {
  name        = "BreakGlass"
  description = "Emergency administrator access, MFA required"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = [user.alice_nguyen.arn, user.bruno_costa.arn] }
      Action    = "sts:AssumeRole"
      Condition = {
        Bool            = { "aws:MultiFactorAuthPresent" = "true" }
        NumericLessThan = { "aws:MultiFactorAuthAge" = "3600" }
      }
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  tags                = { purpose = "break-glass" }
}
