# Terraform's meta-arguments and functions get a sentence on what iamsync has instead.
user "alice" {
  depends_on = []
  count      = 2
  provider   = aws.prod
  tags       = { digest = sha256("x") }
  lifecycle {
    ignore_changes        = [tags]
    create_before_destroy = true
  }
}
