locals {
  common_tags = merge(local.base_tags, { environment = var.environment })
  base_tags   = { managed_by = "iamsync" }

  # Locals may name entities: ARNs are known when the configuration loads.
  admin_arns = [for name in sort(tolist(var.admins)) : user.admins[name].arn]
  people_path = "/people/"
}
