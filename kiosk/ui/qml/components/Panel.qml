// A white card on the paper background, for grouping a screen's content.
import QtQuick

Rectangle {
    color: Theme.surface
    radius: Theme.radius
    border.width: 2
    border.color: Theme.border
}
