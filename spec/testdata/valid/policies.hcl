policy "self_service" {
  name        = "SelfService"
  description = "Lets people manage their own credentials"
  document    = policy_document.self_service.json
  tags        = local.common_tags
}

policy "boundary" {
  name     = "ServiceBoundary"
  path     = "/boundaries/"
  document = file("policies/boundary.json")
  tags     = {}
}

# One read policy per bucket.
policy "bucket_read" {
  for_each = toset(["reports", "exports"])
  name     = "Read${title(each.key)}"
  path     = "/data/"
  document = templatefile("templates/bucket-read.json.tpl", { bucket = "acme-${each.value}" })
}

policy "deny_regions" {
  name = "DenyOtherRegions"
  document = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": {
        "Effect": "Deny",
        "NotAction": ["iam:*", "sts:*"],
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}
      }
    }
  EOT
}
