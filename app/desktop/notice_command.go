package desktop

// On Windows and macOS the desktop app's resident process holds no
// browser engine and no UI toolkit of its own beyond the tray, so an OS
// notification is shown by a short-lived program of the OS: PowerShell
// raising a toast, osascript posting to the notification centre. Alerts are
// rare (thresholds once per cycle, cooldowns), so a process per notice costs
// less than keeping a toolkit resident for them. The title and body travel
// as arguments or environment, never inside the script, so no text of an
// alert can change what runs.

const (
	noticeTitleEnv = "NETPULSE_NOTICE_TITLE"
	noticeBodyEnv  = "NETPULSE_NOTICE_BODY"

	// powerShellAppID is PowerShell's own AppUserModelID, registered on
	// every Windows 10 and 11: a toast needs a registered one.
	powerShellAppID = `{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\WindowsPowerShell\v1.0\powershell.exe`
)

// toastScript raises a two-line toast from the environment's title and body.
const toastScript = `$ErrorActionPreference = 'Stop'
[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] | Out-Null
$x = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)
$t = $x.GetElementsByTagName('text')
$t.Item(0).AppendChild($x.CreateTextNode($env:` + noticeTitleEnv + `)) | Out-Null
$t.Item(1).AppendChild($x.CreateTextNode($env:` + noticeBodyEnv + `)) | Out-Null
[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('` + powerShellAppID + `').Show([Windows.UI.Notifications.ToastNotification]::new($x))
`

// noticeCommand is the program, arguments and extra environment that show
// one notice on goos; ok is false where the OS has no such program (Linux
// talks D-Bus instead).
func noticeCommand(goos, title, body string) (name string, args, env []string, ok bool) {
	switch goos {
	case "windows":
		return "powershell.exe", []string{"-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-Command", toastScript},
			[]string{noticeTitleEnv + "=" + title, noticeBodyEnv + "=" + body}, true
	case "darwin":
		return "/usr/bin/osascript", []string{
			"-e", "on run argv",
			"-e", "display notification (item 2 of argv) with title (item 1 of argv)",
			"-e", "end run",
			title, body,
		}, nil, true
	}
	return "", nil, nil, false
}
