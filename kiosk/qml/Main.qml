// The kiosk window: top bar, the current screen, overlays, and the on-screen keyboard.
// Screens come from shell.screenQml; overlays sit above everything so the timeout warning can
// never be hidden by a screen.
import QtQuick
import QtQuick.Window
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings
import "components"
import "screens"

Window {
    id: window
    property bool kioskFullScreen: false
    readonly property bool landscape: width > height
    visible: true
    visibility: kioskFullScreen ? Window.FullScreen : Window.Windowed
    title: "政务服务自助终端 · " + shell.stationName
    color: Theme.background

    Component.onCompleted: {
        // The pinyin engine learns the words people choose (names among them): it keeps them in
        // a throw-away folder of this run, and forgets them at the end of every session.
        if (shell.keyboardDataPath !== "")
            VirtualKeyboardSettings.userDataPath = shell.keyboardDataPath
        VirtualKeyboardSettings.activeLocales = ["zh_CN", "en_US"]
        VirtualKeyboardSettings.locale = "zh_CN"
    }

    Connections {
        target: shell
        function onWiped() {
            Qt.inputMethod.reset()
            VirtualKeyboardSettings.userDataReset()
        }
    }

    TopBar {
        id: topBar
        anchors { top: parent.top; left: parent.left; right: parent.right }
    }

    Loader {
        id: screenLoader
        objectName: "screenLoader"
        anchors {
            top: topBar.bottom; left: parent.left; right: parent.right
            bottom: keyboard.active ? keyboard.top : parent.bottom
        }
        source: "screens/" + shell.screenQml
        focus: true
    }

    InputPanel {
        id: keyboard
        objectName: "keyboard"
        z: 50
        anchors { left: parent.left; right: parent.right }
        width: window.width
        y: active ? window.height - height : window.height
        visible: active
    }

    HelpOverlay {
        anchors.fill: parent
        visible: shell.helpVisible
        z: 80
    }

    TimeoutOverlay {
        anchors.fill: parent
        visible: shell.warningVisible
        z: 100
    }
}
