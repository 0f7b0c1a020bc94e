# Dot-sourced by the PowerShell stack scripts: the same steps as scripts/lib/prod-sim.sh,
# for people without bash. Needs Docker with compose v2 and git on PATH.
$ErrorActionPreference = 'Stop'
$Repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
Set-Location $Repo
$ProdSimEnv = 'deploy/.env.prod-sim'

function Read-EnvFile([string]$Path) {
  $values = @{}
  foreach ($line in Get-Content $Path) {
    if ($line -match '^\s*([A-Z_][A-Z0-9_]*)=(.*)$') { $values[$Matches[1]] = $Matches[2] }
  }
  return $values
}

function Initialize-ProdSimEnv {
  if (-not (Test-Path $ProdSimEnv)) {
    $lines = foreach ($line in Get-Content 'deploy/compose.prod-sim.env.example') {
      while ($line.Contains('__GENERATE__')) {
        $bytes = New-Object byte[] 24
        [System.Security.Cryptography.RandomNumberGenerator]::Create().GetBytes($bytes)
        $hex = -join ($bytes | ForEach-Object { $_.ToString('x2') })
        $idx = $line.IndexOf('__GENERATE__')
        $line = $line.Substring(0, $idx) + $hex + $line.Substring($idx + 12)
      }
      $line
    }
    Set-Content -Path $ProdSimEnv -Value $lines
    Write-Host "[prod-sim] generated $ProdSimEnv (dev-only secrets; git-ignored)"
  }
  $settings = Read-EnvFile $ProdSimEnv
  $port = if ($env:STACK_HTTPS_PORT_OVERRIDE) { $env:STACK_HTTPS_PORT_OVERRIDE } else { $settings['STACK_HTTPS_PORT'] }
  if (-not $port) { $port = '443' }
  $env:STACK_HTTPS_PORT = $port
  $env:STACK_PORT_SUFFIX = if ($port -eq '443') { '' } else { ":$port" }
  if (-not $env:IMAGE_TAG) { $env:IMAGE_TAG = 'sha-' + (git rev-parse --short=12 HEAD).Trim() }
}

function Invoke-StackCompose([string[]]$Arguments) {
  $files = @('--env-file', 'deploy/images.env')
  if ($env:IMAGES_OVERRIDE) {
    Write-Host "[images] override $($env:IMAGES_OVERRIDE)"
    $files += @('--env-file', $env:IMAGES_OVERRIDE)
  }
  $project = if ($env:STACK_PROJECT) { $env:STACK_PROJECT } else { 'bot-mox' }
  & docker compose --project-name $project @files --env-file $ProdSimEnv -f deploy/compose.stack.yml @Arguments
  if ($LASTEXITCODE -ne 0) { throw "docker compose $($Arguments -join ' ') failed ($LASTEXITCODE)" }
}
