// Where a running process allocates (issue 15): records the runtime's allocation ticks of a process for a while, then
// sums them by type and by call stack.
//
//   dotnet CollabAllocationProbe.dll record PID SECONDS FILE.nettrace
//   dotnet CollabAllocationProbe.dll report FILE.nettrace [TYPES_WITH_STACKS (3)] [STACKS_PER_TYPE (5)]
//   dotnet CollabAllocationProbe.dll pauses FILE.nettrace     each GC pause split into stopping the threads and collecting
//
// An allocation tick is raised about every 100 KB a thread allocates and names the type of the object that crossed
// the mark, so the figures are a sample: a type's share is good to a few percent over ten seconds of a busy server.
// bench/pinned-host.sh runs it with PINNED_ALLOCATION_STACKS=1.
using CollabAllocationProbe;

switch (args)
{
    case ["record", var pid, var seconds, var file]:
        await AllocationRecording.RecordAsync(int.Parse(pid), TimeSpan.FromSeconds(int.Parse(seconds)), file);
        return 0;
    case ["report", var file, .. var rest]:
        AllocationReport.Print(file, rest.Length > 0 ? int.Parse(rest[0]) : 3, rest.Length > 1 ? int.Parse(rest[1]) : 5, Console.Out);
        return 0;
    case ["pauses", var file]:
        GcPauseReport.Print(file, Console.Out);
        return 0;
    default:
        Console.Error.WriteLine("usage: record PID SECONDS FILE.nettrace | report FILE.nettrace [TYPES_WITH_STACKS] [STACKS_PER_TYPE] | pauses FILE.nettrace");
        return 2;
}
