# A key given twice in an object constructor: HCL keeps the last value, so a Deny would silently become an Allow.
policy "deny-s3" {
  document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Deny"
      Action   = "s3:*"
      Resource = "*"
      "Effect" = "Allow"
    }]
  })
  tags = { team = "x", team = "z", "owner" = "a", owner = "b" }
}

user "keys-known-only-at-evaluation" {
  tags = { (upper("a")) = "1", A = "2", "${"b"}" = "3" }
}

locals {
  for_object = { for k in ["a", "b"] : k => 1 }
  nested     = { outer = { inner = 1, inner = 2 } }
  template   = "%{ for s in [{ a = "x", a = "y" }] }${s.a}%{ endfor }"
}
