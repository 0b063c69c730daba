# References to Terraform's count, path, data, module, terraform and self say what to write instead.
user "alice" {
  tags = {
    index     = count.index
    file      = path.module
    doc       = data.aws_iam_policy_document.read.json
    module    = module.iam.arn
    workspace = terraform.workspace
    me        = self.arn
    close     = acount.id
    resource  = aws_iam_user.bob.arn
  }
}
