variable "name" {
  type        = string
  description = "Globally unique bucket name."
}

variable "purpose" {
  type = string
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key used for default encryption of objects."
}

variable "log_bucket" {
  type        = string
  description = "Bucket that receives the server access logs."
}

variable "expiration_days" {
  type        = number
  description = "Days after which current objects expire."
}

variable "noncurrent_version_expiration_days" {
  type    = number
  default = 90
}

variable "tags" {
  type    = map(string)
  default = {}
}
