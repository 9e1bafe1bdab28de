// Where a running process allocates (issue 15): records the runtime's allocation ticks of a process for a while, then
// sums them by type and by call stack.
//
//   dotnet CollabAllocationProbe.dll record PID SECONDS FILE.nettrace
//   dotnet CollabAllocationProbe.dll report FILE.nettrace [TYPES_WITH_STACKS (3)] [STACKS_PER_TYPE (5)]
//   dotnet CollabAllocationProbe.dll pauses FILE.nettrace [LONGER_THAN_MS]
//                                             each GC pause split into stopping the threads and collecting; with
//                                             LONGER_THAN_MS, also every pause that long with its time (UTC)
//   dotnet CollabAllocationProbe.dll record-gc PID SECONDS FILE.nettrace
//                                             the collections and pauses only, cheap enough for a whole window
//
// An allocation tick is raised about every 100 KB a thread allocates and names the type of the object that crossed
// the mark, so the figures are a sample: a type's share is good to a few percent over ten seconds of a busy server.
// bench/pinned-host.sh runs it with PINNED_ALLOCATION_STACKS=1.
using CollabAllocationProbe;

switch (args)
{
    case ["record", var pid, var seconds, var file]:
        await EventPipeRecording.AllocationsAsync(int.Parse(pid), TimeSpan.FromSeconds(int.Parse(seconds)), file);
        return 0;
    case ["report", var file, .. var rest]:
        AllocationReport.Print(file, rest.Length > 0 ? int.Parse(rest[0]) : 3, rest.Length > 1 ? int.Parse(rest[1]) : 5, Console.Out);
        return 0;
    case ["pauses", var file, .. var rest]:
        GcPauseReport.Print(file, Console.Out, rest.Length > 0 ? double.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN);
        return 0;
    case ["record-gc", var pid, var seconds, var file]:
        await EventPipeRecording.CollectionsAsync(int.Parse(pid), TimeSpan.FromSeconds(int.Parse(seconds)), file);
        return 0;
    default:
        Console.Error.WriteLine("usage: record PID SECONDS FILE.nettrace | record-gc PID SECONDS FILE.nettrace | report FILE.nettrace [TYPES_WITH_STACKS] [STACKS_PER_TYPE] | pauses FILE.nettrace [LONGER_THAN_MS]");
        return 2;
}
