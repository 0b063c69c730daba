# Policy documents written in HCL and shared by many entities.

policy_document "lambda_trust" {
  statement {
    sid     = "LambdaAssumes"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

policy_document "self_service" {
  statement {
    sid = "ManageOwnCredentials"
    actions = [
      "iam:ChangePassword",
      "iam:CreateAccessKey",
      "iam:DeleteAccessKey",
      "iam:ListAccessKeys",
      "iam:UpdateAccessKey",
      "iam:CreateVirtualMFADevice",
      "iam:EnableMFADevice",
      "iam:ListMFADevices",
    ]
    resources = [
      "arn:${account.partition}:iam::${account.id}:user/people/&{aws:username}",
      "arn:${account.partition}:iam::${account.id}:mfa/&{aws:username}",
    ]
  }
}

# The data team also reads the warehouse. An override document replaces
# the statement with the same Sid, the way Terraform's
# aws_iam_policy_document composes documents.
policy_document "data_warehouse" {
  override_policy_documents = [jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadWarehouse"
      Effect   = "Allow"
      Action   = ["redshift-data:ExecuteStatement", "redshift-data:GetStatementResult"]
      Resource = "*"
    }]
  })]

  statement {
    sid       = "ReadWarehouse"
    actions   = ["redshift-data:DescribeStatement"]
    resources = ["*"]
  }
  statement {
    sid       = "ListClusters"
    actions   = ["redshift:DescribeClusters"]
    resources = ["*"]
  }
}
