# Dev stack up, for PowerShell (run `pnpm install` first: the containers use its node_modules).
param([switch]$Airgap)
. (Join-Path $PSScriptRoot 'lib/prod-sim.ps1')
if ($Airgap) { $env:IMAGES_OVERRIDE = 'deploy/images.airgap.env' }
Initialize-ProdSimEnv
Invoke-StackCompose @('-f', 'deploy/compose.dev.override.yml', 'up', '-d', '--wait', '--wait-timeout', '240')
Write-Host "[dev] up: https://app.localhost$($env:STACK_PORT_SUFFIX) (Vite HMR)"
