# A labelled provider block, as Terraform writes it, says that iamsync's has no label.
provider "aws" {
  region = "us-east-1"
}
