# revision.cmake: writes OUT, a header defining VG_GIT_REVISION, the git
# revision of SRC (with "-dirty" for uncommitted changes), or "unknown".
# Run at every build (the vg_revision target); OUT is rewritten only when
# the revision changed, so an unchanged tree recompiles nothing.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET RESULT_VARIABLE status)
if(NOT status EQUAL 0 OR NOT revision)
  set(revision unknown)
else()
  # GIT_OPTIONAL_LOCKS=0: status does not refresh (and lock) the index, so a
  # build never collides with a git command running beside it.
  execute_process(COMMAND ${CMAKE_COMMAND} -E env GIT_OPTIONAL_LOCKS=0
                          git status --porcelain --untracked-files=no
                  WORKING_DIRECTORY ${SRC} OUTPUT_VARIABLE changes ERROR_QUIET)
  if(changes)
    set(revision "${revision}-dirty")
  endif()
endif()
set(text "#define VG_GIT_REVISION \"${revision}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
