Unicode true

# The desktop app's Windows installer. `make release` builds it with
# `wails build -nsis`, which writes wails_tools.nsh (defines and macros from
# wails.json) beside this file; release.mk writes version.nsh first.
#
# Per-user install: no administrator rights, and the "Start at login" option
# writes the current user's Run key, the same value the app's Settings
# switch reads and writes.

!ifndef WAILS_INSTALL_SCOPE
    !define WAILS_INSTALL_SCOPE "user"
!endif
!ifndef REQUEST_EXECUTION_LEVEL
    !define REQUEST_EXECUTION_LEVEL "user"
!endif
!define PRODUCT_EXECUTABLE "netpulse-desktop.exe"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define RUN_VALUE "Net-Pulse"
!include /NONFATAL "version.nsh"
!include "wails_tools.nsh"

# The version information for these two must consist of 4 parts
VIProductVersion "${INFO_PRODUCTVERSION}.0"
VIFileVersion    "${INFO_PRODUCTVERSION}.0"

VIAddVersionKey "CompanyName"     "${INFO_COMPANYNAME}"
VIAddVersionKey "FileDescription" "${INFO_PRODUCTNAME} Installer"
VIAddVersionKey "ProductVersion"  "${INFO_PRODUCTVERSION}"
VIAddVersionKey "FileVersion"     "${INFO_PRODUCTVERSION}"
VIAddVersionKey "LegalCopyright"  "${INFO_COPYRIGHT}"
VIAddVersionKey "ProductName"     "${INFO_PRODUCTNAME}"

ManifestDPIAware true

!include "MUI2.nsh"

!define MUI_ICON "..\icon.ico"
!define MUI_UNICON "..\icon.ico"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${PRODUCT_EXECUTABLE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start Net-Pulse now"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Name "${INFO_PRODUCTNAME}"
OutFile "..\..\bin\netpulse-desktop-${ARCH}-setup.exe"
InstallDir "$LOCALAPPDATA\Programs\${INFO_PRODUCTNAME}"
ShowInstDetails show

Function .onInit
    !insertmacro wails.checkArchitecture
FunctionEnd

# A running copy holds its exe open, and Windows refuses to overwrite it:
# an upgrade would stop at "Error opening file for writing". The app's own
# Quit writes its last samples, so the user is asked to use it.
Function closeRunning
    retry:
        nsExec::ExecToStack 'cmd /c tasklist /NH /FI "IMAGENAME eq ${PRODUCT_EXECUTABLE}" | find /I "${PRODUCT_EXECUTABLE}"'
        Pop $0 # find's exit code: 0 when the exe is running
        Pop $1
        StrCmp $0 "0" 0 done
        MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "Net-Pulse is running. Choose Quit in its tray menu, then Retry." /SD IDCANCEL IDRETRY retry
        Abort "Net-Pulse is running: quit it from its tray menu, then run the installer again."
    done:
FunctionEnd

Section "Net-Pulse" SecApp
    SectionIn RO
    !insertmacro wails.setShellContext
    !insertmacro wails.webview2runtime

    Call closeRunning
    SetOutPath $INSTDIR
    !insertmacro wails.files

    CreateShortcut "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"

    !insertmacro wails.writeUninstaller
SectionEnd

Section "Desktop shortcut" SecDesktop
    CreateShortcut "$DESKTOP\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"
SectionEnd

# Off unless chosen; the app's Settings can change it later.
Section /o "Start at login (in the tray)" SecLogin
    WriteRegStr HKCU "${RUN_KEY}" "${RUN_VALUE}" '"$INSTDIR\${PRODUCT_EXECUTABLE}" --hidden'
SectionEnd

Section "uninstall"
    !insertmacro wails.setShellContext

    # Stop a running copy so its file can be removed.
    nsExec::Exec 'taskkill /IM "${PRODUCT_EXECUTABLE}" /F'

    DeleteRegValue HKCU "${RUN_KEY}" "${RUN_VALUE}"
    RMDir /r "$AppData\${PRODUCT_EXECUTABLE}" # the WebView2 data folder
    # Only what the installer wrote (the uninstaller goes below): the
    # folder may be one the user chose that holds other files.
    Delete "$INSTDIR\${PRODUCT_EXECUTABLE}"

    Delete "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk"
    Delete "$DESKTOP\${INFO_PRODUCTNAME}.lnk"

    !insertmacro wails.deleteUninstaller
    RMDir "$INSTDIR" # only if nothing else is left in it
SectionEnd
