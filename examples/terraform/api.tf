resource "aws_lambda_function" "applications" {
  function_name = "${local.name_prefix}-applications"
  role          = aws_iam_role.applications_lambda.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  s3_bucket     = "rso-build-artifacts-ap-east-1"
  s3_key        = "applications/${var.app_version}.zip"
  timeout       = 15

  environment {
    variables = {
      TABLE_NAME = aws_dynamodb_table.permit_applications.name
    }
  }

  tags = local.common_tags
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.applications.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.portal.execution_arn}/*/*"
}

resource "aws_cognito_user_pool" "residents" {
  name = "${local.name_prefix}-residents"
}

resource "aws_api_gateway_rest_api" "portal" {
  name = "${local.name_prefix}-portal-api"

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "applications" {
  rest_api_id = aws_api_gateway_rest_api.portal.id
  parent_id   = aws_api_gateway_rest_api.portal.root_resource_id
  path_part   = "applications"
}

resource "aws_api_gateway_authorizer" "residents" {
  name          = "residents-cognito"
  rest_api_id   = aws_api_gateway_rest_api.portal.id
  type          = "COGNITO_USER_POOLS"
  provider_arns = [aws_cognito_user_pool.residents.arn]
}

resource "aws_api_gateway_method" "applications_get" {
  rest_api_id   = aws_api_gateway_rest_api.portal.id
  resource_id   = aws_api_gateway_resource.applications.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_method" "applications_post" {
  rest_api_id   = aws_api_gateway_rest_api.portal.id
  resource_id   = aws_api_gateway_resource.applications.id
  http_method   = "POST"
  authorization = "COGNITO_USER_POOLS"
  authorizer_id = aws_api_gateway_authorizer.residents.id
}

resource "aws_api_gateway_integration" "applications" {
  for_each = {
    GET  = aws_api_gateway_method.applications_get
    POST = aws_api_gateway_method.applications_post
  }

  rest_api_id             = aws_api_gateway_rest_api.portal.id
  resource_id             = aws_api_gateway_resource.applications.id
  http_method             = each.value.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.applications.invoke_arn
}

resource "aws_api_gateway_method" "applications_options" {
  rest_api_id   = aws_api_gateway_rest_api.portal.id
  resource_id   = aws_api_gateway_resource.applications.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "applications_options" {
  rest_api_id       = aws_api_gateway_rest_api.portal.id
  resource_id       = aws_api_gateway_resource.applications.id
  http_method       = aws_api_gateway_method.applications_options.http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}

resource "aws_api_gateway_deployment" "portal" {
  rest_api_id = aws_api_gateway_rest_api.portal.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.applications.id,
      aws_api_gateway_method.applications_get.id,
      aws_api_gateway_method.applications_post.id,
      aws_api_gateway_method.applications_options.id,
      [for i in aws_api_gateway_integration.applications : i.id],
      aws_api_gateway_integration.applications_options.id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/${local.name_prefix}-portal-api"
  retention_in_days = 365
}

resource "aws_api_gateway_stage" "live" {
  rest_api_id   = aws_api_gateway_rest_api.portal.id
  deployment_id = aws_api_gateway_deployment.portal.id
  stage_name    = var.environment

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId    = "$context.requestId"
      sourceIp     = "$context.identity.sourceIp"
      httpMethod   = "$context.httpMethod"
      resourcePath = "$context.resourcePath"
      status       = "$context.status"
    })
  }

  tags = local.common_tags
}
