# A lifecycle block takes prevent_destroy as a bool, appears once per entity,
# and has none of Terraform's other lifecycle arguments.
role "app" {
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  lifecycle {
    prevent_destroy = "sometimes"
  }
}

policy "p" {
  document = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
  lifecycle {
    prevent_destroy = true
  }
  lifecycle {
    prevent_destroy = false
  }
}

instance_profile "web" {
  lifecycle {
    create_before_destroy = true
  }
}
