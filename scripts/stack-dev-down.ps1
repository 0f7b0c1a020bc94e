# Dev stack down, for PowerShell.
param([switch]$Airgap)
. (Join-Path $PSScriptRoot 'lib/prod-sim.ps1')
if ($Airgap) { $env:IMAGES_OVERRIDE = 'deploy/images.airgap.env' }
if (-not (Test-Path $ProdSimEnv)) { Write-Host '[dev] nothing to stop'; exit 0 }
Initialize-ProdSimEnv
Invoke-StackCompose @('-f', 'deploy/compose.dev.override.yml', 'down', '--remove-orphans')
Write-Host '[dev] stopped'
