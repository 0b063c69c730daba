# Inputs. team_tags and admins are set by the test from a -var-file and
# -var arguments; the rest keep their defaults or come from the environment.

variable "environment" {
  type        = string
  default     = "prod"
  description = "Name of the environment, used in tags"

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "The environment must be dev or prod."
  }
}

variable "admins" {
  type = set(string)
}

variable "developers" {
  type = map(object({
    team    = string
    expires = optional(string)
  }))
  default = {
    "dana" = { team = "payments", expires = "2027-06-30" }
    "emeka" = { team = "search" }
  }
}

variable "session_hours" {
  type    = number
  default = 2
}

variable "audit_account" {
  type = string
}
