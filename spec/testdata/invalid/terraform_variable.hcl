# Terraform's sensitive argument of a variable says where secrets go instead.
variable "secret" {
  sensitive = true
}
