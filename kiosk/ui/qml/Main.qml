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
        // One language: with a second one the keyboard offers a globe key whose tiny menu turns
        // it to American English — for this resident and, unnoticed, the next. Latin letters are
        // still there (the pinyin keyboard's 中/英 key, and the boxes that ask for Latin).
        VirtualKeyboardSettings.activeLocales = ["zh_CN"]
        VirtualKeyboardSettings.locale = "zh_CN"
        Qt.inputMethod.hide()       // the keyboard's state is the application's: none at start
    }

    Connections {
        target: shell
        function onWiped() {
            Qt.inputMethod.hide()   // the next resident does not find the last one's keyboard up
            Qt.inputMethod.reset()
            VirtualKeyboardSettings.userDataReset()
            VirtualKeyboardSettings.locale = "zh_CN"
        }
    }

    TopBar {
        id: topBar
        objectName: "topBar"
        anchors { top: parent.top; left: parent.left; right: parent.right }
    }

    Loader {    // the 代办模式 band, made only in an agent's session (kiosk/ui/viewmodels/agent.py)
        id: agentBand
        anchors { top: topBar.bottom; left: parent.left; right: parent.right }
        active: agent.bandVisible
        // an unloaded Loader keeps the size its item had: the band's room goes with the band
        height: active && item !== null ? item.implicitHeight : 0
        source: "components/AgentBand.qml"
    }

    Loader {
        id: screenLoader
        objectName: "screenLoader"
        anchors {
            top: agentBand.bottom; left: parent.left; right: parent.right
            bottom: pinyinStrip.visible ? pinyinStrip.top : keyboard.active ? keyboardLoader.top : banner.top
        }
        source: "screens/" + shell.screenQml
        focus: true
        onLoaded: Qt.inputMethod.hide()    // a new screen starts with nothing being typed
    }

    // The calm banner: network and queue in one short line (words, and a mark that is not colour).
    Rectangle {
        id: banner
        objectName: "syncBanner"
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: syncStatus.text !== "" && !keyboard.active ? Theme.small + 28 : 0
        visible: height > 0
        color: Theme.surfaceAlt
        KText {
            id: bannerText
            anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 24 }
            text: (syncStatus.online ? "● " : "○ ") + syncStatus.text
            color: Theme.textMuted
            font.pixelSize: Theme.small
            lineHeight: 1.0
            elide: Text.ElideRight
            wrapMode: Text.NoWrap
        }
    }

    // Our pinyin candidates, on top of the keyboard whenever it types into a Chinese box: they come
    // and go with the keyboard, so the screen does not change size twice.
    PinyinStrip {
        id: pinyinStrip
        objectName: "pinyinStrip"
        z: 50
        anchors { left: parent.left; right: parent.right; bottom: keyboardLoader.top }
        input: window.activeFocusItem && window.activeFocusItem.pinyinKind !== undefined
               && window.activeFocusItem.pinyinKind !== "" ? window.activeFocusItem : null
        visible: keyboard.active && input !== null
    }

    // Qt Virtual Keyboard (pinyin) takes a while to build: it is made just after the attract
    // screen is first painted, so the screen comes up sooner; nobody types in the first second.
    Loader {
        id: keyboardLoader
        z: 50
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        active: false
        asynchronous: true
        sourceComponent: InputPanel {
            objectName: "keyboard"
            width: window.width
            visible: active
        }
    }
    readonly property QtObject keyboard: QtObject {
        readonly property bool active: keyboardLoader.item !== null && keyboardLoader.item.active
    }
    Connections {
        target: window
        enabled: !keyboardLoader.active
        function onFrameSwapped() { keyboardLoader.active = true }
    }

    // Overlays are built when first needed (and kept): the attract screen comes up sooner.
    Loader {    // 这样拍: a 样例 photo shown large (components/ExampleOverlay.qml)
        anchors.fill: parent
        z: 70
        active: guides.enlarged !== "" || item !== null
        visible: guides.enlarged !== ""
        sourceComponent: ExampleOverlay {}
    }

    Loader {
        anchors.fill: parent
        z: 80
        active: shell.helpVisible || item !== null
        visible: shell.helpVisible
        sourceComponent: HelpOverlay {}
    }

    Loader {
        anchors.fill: parent
        z: 90
        active: shell.leaveAsked || item !== null
        visible: shell.leaveAsked
        sourceComponent: LeaveOverlay {}
    }

    Loader {
        anchors.fill: parent
        z: 100
        active: shell.warningVisible || item !== null
        visible: shell.warningVisible
        sourceComponent: TimeoutOverlay {}
    }
}
