policy_document "base" {
  statement {
    sid       = "ReadOwnUser"
    actions   = ["iam:GetUser", "iam:ListAccessKeys"]
    resources = ["arn:${account.partition}:iam::${account.id}:user/&{aws:username}"]
  }
  statement {
    sid       = "ListBuckets"
    actions   = ["s3:ListAllMyBuckets"]
    resources = ["*"]
  }
}

policy_document "self_service" {
  source_policy_documents = [policy_document.base.json]
  override_policy_documents = [jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ListBuckets"
      Effect   = "Allow"
      Action   = ["s3:ListAllMyBuckets", "s3:GetBucketLocation"]
      Resource = "*"
    }]
  })]

  statement {
    sid       = "ManageOwnKeys"
    actions   = ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:UpdateAccessKey"]
    resources = ["arn:aws:iam::${account.id}:user/&{aws:username}"]
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }

  dynamic "statement" {
    for_each = { for bucket in ["reports", "exports"] : bucket => "arn:aws:s3:::acme-${bucket}" }
    content {
      sid       = "Read${title(statement.key)}"
      actions   = ["s3:GetObject"]
      resources = ["${statement.value}/*"]
    }
  }
}

policy_document "breakglass_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = local.admin_arns
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}
