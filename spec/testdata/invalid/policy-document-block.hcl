# policy_document blocks check effect values and unique Sids.
policy_document "x" {
  statement {
    sid     = "A"
    effect  = "allow"
    actions = ["s3:GetObject"]
  }
  statement {
    sid     = "A"
    actions = ["s3:PutObject"]
  }
}

policy "x" {
  document = policy_document.x.json
}
