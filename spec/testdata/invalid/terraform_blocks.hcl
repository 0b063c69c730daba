# Terraform's top-level blocks get a sentence on what iamsync has instead.
terraform {
  required_version = ">= 1.0"
}
resource "aws_iam_user" "alice" {
  name = "alice"
}
data "aws_iam_policy_document" "read" {}
module "iam" {}
output "arn" {}
moved {}
