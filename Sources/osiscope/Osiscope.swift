import ArgumentParser

@main
struct Osiscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "osiscope",
        abstract: "See network protocols layer by layer, the way the OSI model teaches them.",
        discussion: """
        Reads pcap and pcapng captures (or standard input with '-', or a live interface with \
        'capture') and shows every packet from the link layer up, each field with its meaning \
        and its place in the bytes.

        Exit status: 0 success; 1 the file cannot be opened or is not a capture; 2 the capture \
        is damaged part-way (every packet before the damage is still shown); 64 bad arguments \
        or an invalid filter; 77 live capture not permitted.
        """,
        version: "0.3.0",
        subcommands: [Packets.self, Inspect.self, Streams.self, Follow.self, Messages.self, Sessions.self, Ladder.self, Stats.self, Timeline.self, Compare.self, Export.self, Report.self, Interfaces.self, Capture.self, LessonCommand.self, Lessons.self, Fields.self, Limits.self]
    )
}
